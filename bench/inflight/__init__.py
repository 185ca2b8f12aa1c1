"""The in-flight suite: the scheduler queue's in-flight tracking, Event, Pop and Done on both trackers."""
