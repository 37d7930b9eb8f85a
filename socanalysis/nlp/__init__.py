"""Language identification, normalisation, lemmas and stop words, privacy masking, embeddings."""
