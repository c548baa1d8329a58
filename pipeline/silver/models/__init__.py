"""Prediction models behind one interface (base.Model), looked up by name in registry.MODELS."""
