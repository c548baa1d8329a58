"""Data-quality gates between stages: write to staging, audit it here, then publish."""
