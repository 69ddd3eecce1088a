"""Demo data: a believable, deterministic population of UK medical students, doctors, nurses and
allied health professionals, for trying MentorMatch out and for benchmarking it.

- data.py, careers.py, phrases.py: the word lists (places, names, roles, interests, fragments).
- generate.py: people as plain dataclasses from a seeded Random (no Flask, no database).
- writing.py: their "About me" and "What I'm looking for" texts.
- logins.py: the three fixed demo accounts and the shared demo password.
- seed.py: bulk inserts; cli.py: `flask --app mentormatch seed-demo [--users N] [--seed S]`.

The seeder covers accounts and profiles (with specialties, goals, interests and mentor offers).
Connections and mentoring requests are not seeded: the change that adds them extends the seeder.
"""
