"""What other parts of the app hear about profiles, so profiles needn't know about them."""

from blinker import Namespace

_signals = Namespace()

# sender: the Profile whose member changed career stage; new_stage: the stage code. The mentors
# code decides what that does to a mentor's standing.
stage_changing = _signals.signal("stage-changing")
