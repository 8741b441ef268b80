"""The arithmetic of funding decisions: exact money, fiscal years, the usage score that ranks
the projects the company depends on, the allocation of an amount across them, the Open Source
Pledge figure. Pure: no Flask, no database."""
