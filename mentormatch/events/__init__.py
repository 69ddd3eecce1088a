"""Events: workshops, conferences and teaching sessions members register for, meet people at,
and are followed up after (docs/features.md#events)."""
