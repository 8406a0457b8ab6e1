-- The rows an intake group writes with its orders (requesters, steps, lead-unit assignments, notices, photos) no
-- longer carry foreign keys to work_order or to each other. Measured on the intake bench (PostgreSQL, 20,000
-- submissions, quiet machine): the group statement spent 6–9 of its 8–12 ms in these checks — each one locks the
-- order row it points at — and since groups are written one after another (the audit chain), that was the
-- ceiling: 777/s with p99 87 ms with the keys, 1,325–1,420/s with p99 39–43 ms without.
--
-- What keeps the references true instead: these rows are written only in the statement that writes or updates
-- their order (writeIntakeGroup inserts an order and its children together; a join updates the order it points
-- at in the same statement; workflow steps are written in the transaction that locks and updates the order), and
-- orders are never deleted. A test checks that no such row points at a missing order after the intake and
-- workflow tests. Under Citus these tables are distributed by street_code, where a key would have to be
-- (street_code, order_id) anyway.
ALTER TABLE order_event DROP CONSTRAINT order_event_order_id_fkey;
ALTER TABLE order_requester DROP CONSTRAINT order_requester_order_id_fkey;
ALTER TABLE order_assignment DROP CONSTRAINT order_assignment_order_id_fkey;
ALTER TABLE order_attachment DROP CONSTRAINT order_attachment_order_id_fkey;
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_order_id_fkey;
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_requester_id_fkey;
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_event_id_fkey;
