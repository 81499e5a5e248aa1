-- What the enterprise states when it confirms (rule 12): architect and structural engineer: its
-- licence type and number, or none for now; cost engineer: whether it is a cost-consulting firm.
alter table applications add column enterprise_confirmation jsonb;
