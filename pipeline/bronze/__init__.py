"""Bronze: raw draws read from a source, typed, validated per rule era, loaded idempotently."""
