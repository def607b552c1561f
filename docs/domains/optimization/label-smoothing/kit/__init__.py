"""The label-smoothing concept's kit: its hero widget and its tables (hooks/concept_kits.py)."""
