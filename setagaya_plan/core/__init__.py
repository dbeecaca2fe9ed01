"""The shared core app (label "core"): what indicators and consultations both build on; docs/architecture.md."""
