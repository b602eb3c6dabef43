"""The air-gapped exchange: round packages out to liaisons, signed return files back.

fileformat (canonical JSON, the MAC, the strict reader), keys (enrol, rotate), storekind (what a
store is), package (issue), liaison (open a package, write a return), importing (verify, review,
apply), status (who returned what).
"""
