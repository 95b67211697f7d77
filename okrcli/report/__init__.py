"""The quarterly report and the pull-request diff."""
