"""What other parts of the app hear about accounts, so accounts needn't know about them."""

from blinker import Namespace

_signals = Namespace()

# sender: the User about to be scrubbed; receivers delete what they hold about them.
account_deleting = _signals.signal("account-deleting")

# sender: the User asking for their data; each receiver returns {section name: JSON-able data}.
personal_data_requested = _signals.signal("personal-data-requested")
