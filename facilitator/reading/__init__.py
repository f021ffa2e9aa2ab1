"""The one read of a message: computed once, read by every tracker, the signals and the gate."""
