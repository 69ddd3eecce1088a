"""What other parts of the app hear about mentors, so mentors needn't know about them."""

from blinker import Namespace

_signals = Namespace()

# sender: the mentor's User; reason: a sentence for their mentees. Sent when a mentor stops taking
# mentees (paused, suspended, or sent back to the admins); the requests code closes what waits.
mentor_unavailable = _signals.signal("mentor-unavailable")
