"""FAQ knowledge base: YAML files an admin edits, their validation, and matching."""
