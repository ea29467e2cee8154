"""Scale data generation (`manage.py generate_scale_data`) and the benchmark runner (`bench/run.py`)."""
