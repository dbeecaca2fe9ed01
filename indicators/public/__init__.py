"""The public, read-only progress site (/public/), built from the same page builders as indicators.progress."""
