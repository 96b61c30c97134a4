-- Cell cash and positions are rewritten in place on every batch that touches their cell. Leaving a third of each page
-- free lets Postgres keep the new row version on the same page (a HOT update: no primary-key index entry to add and
-- less vacuum work), because no updated column is indexed.
ALTER TABLE cell_cash SET (fillfactor = 70);
ALTER TABLE cell_positions SET (fillfactor = 70);
