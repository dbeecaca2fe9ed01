"""相談支援機関, 地区 and consultation counts: built in the consultations issue."""
