"""Machine learning: leak classifiers (training, evaluation, persistence) and the seed experiment.

Pure numpy / pandas / scikit-learn on frames; `services.modeling` builds the frames from the
database and decides which model serves whom.
"""
