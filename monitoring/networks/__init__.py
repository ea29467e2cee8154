"""One adapter per social network behind one interface (base.NetworkAdapter). No Django models here."""
