"""The lint engine: selection, suppression comments, diagnostics and reporters."""
