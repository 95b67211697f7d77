"""The wording classifier: what a title's words say about it.

``features`` reads a title into yes/no features, ``model`` weighs them (logistic regressions
whose weights, ``weights.json``, are learnt by ``tools/wording/train.py``), ``reading`` turns
the verdict into a reason in plain words, ``lexicon`` holds the word lists a repository can
extend under ``lint.words`` and ``text`` the shared pieces (stemming, numbers, phrases). The
rules (OKR102-105, OKR203-205) ask it; it knows nothing of rules or findings.
"""
