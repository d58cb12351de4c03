"""Password hashing: Argon2id with the OWASP profile.

Django's default Argon2 cost (100 MiB, t=2, p=8) takes ~124 ms per hash on our 2-core machines,
which caps sign-ins at ~8/s for the whole box; OWASP's minimum profile (19 MiB, t=2, p=1) costs
~25 ms and is still an approved setting (ASVS 5.0 11.4.2).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2Hasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
