"""Email digests: what is new for each member, sent at most once per period, easy to stop."""
