"""Delivery of approved reports to the provincial portal: exchange document, adapters, outbox and worker."""
