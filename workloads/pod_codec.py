"""The bytes a real etcd holds for a pod: the benchmark's pod as Kubernetes JSON, and back.

The embedded storage keeps Python objects, so its "decode" is a struct copy
(``copy_pod``). A real etcd holds bytes, and every object read from it is decoded into
a new object, as upstream's etcd3 store decodes every item it lists
(``decodeListItem``) and its watcher every event. Upstream stores core objects as
protobuf; JSON is the API's other wire form and the one Python decodes natively
(``json.loads``, C-accelerated), so the decode timed here is this module's, not
protobuf's: a difference of cost, not of work (a parse into a new object per item).

Only the minimal pod (``Pod``) has a codec: the exemplar pod's many nested structs
would need a decoder of their own, and ``--storage etcd`` refuses ``--pods exemplar``.

>>> from workloads.pods import Pod
>>> pod = Pod("ns-1", "pod-7", "node-3", labels={"app": "web"})
>>> decode_pod(encode_pod(pod)) == pod
True
>>> encode_pod(pod)[:32]
b'{"kind":"Pod","apiVersion":"v1",'
"""

from __future__ import annotations

import json

from workloads.pods import NO_LABELS, Pod

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_loads = json.loads


def encode_pod(obj: object) -> bytes:
    """The pod as ``v1.Pod`` JSON: metadata (name, namespace, labels), spec (nodeName,
    restartPolicy), status (phase). TypeError for anything but the minimal pod."""
    if not isinstance(obj, Pod):
        raise TypeError(f"only the minimal pod has an etcd encoding, got {type(obj).__name__}")
    metadata: dict[str, object] = {"name": obj.name, "namespace": obj.namespace}
    if obj.labels:
        metadata["labels"] = dict(obj.labels)
    return _dumps({"kind": "Pod", "apiVersion": "v1", "metadata": metadata,
                   "spec": {"nodeName": obj.node_name, "restartPolicy": obj.restart_policy},
                   "status": {"phase": obj.phase}}).encode()


def decode_pod(data: bytes) -> Pod:
    """A new pod from ``encode_pod``'s bytes. Cost: one ``json.loads`` and one object."""
    document = _loads(data)
    metadata, spec = document["metadata"], document["spec"]
    labels = metadata.get("labels")
    return Pod(metadata["namespace"], metadata["name"], spec["nodeName"], spec["restartPolicy"],
               document["status"]["phase"], labels if labels else NO_LABELS)
