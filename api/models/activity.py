"""CCHC activities (issue 16): inspection plans, inspections and their findings, outreach outputs, accountability sessions."""
