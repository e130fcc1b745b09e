"""Linli (邻里守望): Qinghai's platform for the 「邻里守望」关爱行动."""
