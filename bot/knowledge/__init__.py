"""The shop's own knowledge: answers the owner writes (invoices, 花呗, care, coupons…), kept in the
shop file's `knowledge:` list and in Redis, matched against buyers' words without retraining."""
