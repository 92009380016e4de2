"""Machine learning: training, evaluation and persistence of leak classifiers."""
