"""Random object names as Kubernetes generates them (apimachinery ``util/rand.String``).

Names use Kubernetes' 27-character alphabet (no vowels, no 0, 1 or 3, so names never
spell words or look like numbers). Upstream draws from a time-seeded source; here the
source is a seeded ``random.Random``, so a population can be generated again.
"""

from __future__ import annotations

import random

ALPHABET = b"bcdfghjklmnpqrstvwxz2456789"
NAME_LENGTH = 10

# Bytes below 243 = 9·27 map uniformly onto the alphabet; the rest are rejected, as
# upstream rejects 5-bit draws of 27 and above, so every character is equally likely.
_UNBIASED_LIMIT = len(ALPHABET) * (256 // len(ALPHABET))
_TO_ALPHABET = bytes.maketrans(bytes(range(_UNBIASED_LIMIT)), ALPHABET * (256 // len(ALPHABET)))
_REJECTED = bytes(range(_UNBIASED_LIMIT, 256))


def random_names(rng: random.Random, count: int, length: int = NAME_LENGTH) -> list[str]:
    """``count`` names of ``length`` characters: O(count · length), done in C.

    Bytes come from ``rng.randbytes`` and map through one translate call, which is what
    keeps 155k names in the tens of milliseconds.
    """
    if count < 0 or length <= 0:
        raise ValueError(f"need count >= 0 and length > 0, got count={count}, length={length}")
    needed = count * length
    chars = bytearray()
    while len(chars) < needed:
        # Ask for a little more than needed: about 5% of bytes are rejected.
        chunk = rng.randbytes((needed - len(chars)) * 17 // 16 + 16)
        chars += chunk.translate(_TO_ALPHABET, _REJECTED)
    text = chars[:needed].decode("ascii")
    return [text[i:i + length] for i in range(0, needed, length)]
