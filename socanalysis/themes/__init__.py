"""Theme model (BERTopic-based) and weak signals."""
