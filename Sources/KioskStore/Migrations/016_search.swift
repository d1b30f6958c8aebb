import GRDB

extension Migrations {
    /// 016_search: what `search` finds (issue 15 item 5): account numbers, names and companies,
    /// contacts' names and emails, invoice numbers and PO numbers, one `search_entry` row each.
    ///
    /// Triggers on `account`, `contact` and `item` keep the entries in step with every write
    /// (a sync document replacing an account's rows, a cascade, a change made here), so no
    /// writer has to remember the index. `key` (ASCII-lowercased, as SQLite's lower()) and its
    /// index answer exact and prefix matches; the trigram FTS5 table over `term`, fed by
    /// triggers on `search_entry` (external content: the text is stored once), answers
    /// substrings of three characters or more without a scan. `name` is what results are
    /// sorted by: the contact's name for a contact, else the account's (kept when it changes).
    static func search(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE search_entry (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('account','contact','invoice','po_number')),
            field TEXT NOT NULL,
            account TEXT NOT NULL,
            ref TEXT,
            term TEXT NOT NULL,
            key TEXT NOT NULL,
            name TEXT NOT NULL,
            label TEXT
        );
        INSERT INTO search_entry (kind, field, account, ref, term, key, name, label)
            SELECT 'account', 'number', number, NULL, number, lower(number), name, NULL FROM account WHERE number <> ''
            UNION ALL SELECT 'account', 'name', number, NULL, name, lower(name), name, NULL FROM account WHERE name <> ''
            UNION ALL SELECT 'account', 'company', number, NULL, company, lower(company), name, NULL FROM account WHERE company <> ''
            UNION ALL SELECT 'contact', 'name', account, id, name, lower(name), name, NULL FROM contact WHERE name <> ''
            UNION ALL SELECT 'contact', 'email', account, id, email, lower(email), name, NULL FROM contact WHERE email <> ''
            UNION ALL SELECT 'invoice', 'number', i.account, i.id, i.number, lower(i.number), a.name, NULL
                FROM item i JOIN account a ON a.number = i.account WHERE i.kind = 'invoice' AND i.number <> ''
            UNION ALL SELECT 'po_number', 'po_number', i.account, i.id, i.po_number, lower(i.po_number), a.name, i.number
                FROM item i JOIN account a ON a.number = i.account WHERE i.kind = 'invoice' AND i.po_number <> '';
        CREATE INDEX search_entry_key ON search_entry (key);
        CREATE INDEX search_entry_owner ON search_entry (account, kind, ref);
        CREATE VIRTUAL TABLE search_trigram USING fts5 (term, content = 'search_entry', content_rowid = 'id', tokenize = 'trigram');
        INSERT INTO search_trigram (search_trigram) VALUES ('rebuild');

        CREATE TRIGGER search_entry_insert AFTER INSERT ON search_entry BEGIN
            INSERT INTO search_trigram (rowid, term) VALUES (new.id, new.term);
        END;
        CREATE TRIGGER search_entry_delete AFTER DELETE ON search_entry BEGIN
            INSERT INTO search_trigram (search_trigram, rowid, term) VALUES ('delete', old.id, old.term);
        END;
        CREATE TRIGGER search_entry_update AFTER UPDATE OF term ON search_entry BEGIN
            INSERT INTO search_trigram (search_trigram, rowid, term) VALUES ('delete', old.id, old.term);
            INSERT INTO search_trigram (rowid, term) VALUES (new.id, new.term);
        END;

        CREATE TRIGGER search_account_insert AFTER INSERT ON account BEGIN
            INSERT INTO search_entry (kind, field, account, term, key, name)
                SELECT 'account', 'number', new.number, new.number, lower(new.number), new.name WHERE new.number <> ''
                UNION ALL SELECT 'account', 'name', new.number, new.name, lower(new.name), new.name WHERE new.name <> ''
                UNION ALL SELECT 'account', 'company', new.number, new.company, lower(new.company), new.name WHERE new.company <> '';
        END;
        CREATE TRIGGER search_account_update AFTER UPDATE OF name, company ON account
        WHEN old.name IS NOT new.name OR old.company IS NOT new.company BEGIN
            DELETE FROM search_entry WHERE account = old.number AND kind = 'account';
            INSERT INTO search_entry (kind, field, account, term, key, name)
                SELECT 'account', 'number', new.number, new.number, lower(new.number), new.name WHERE new.number <> ''
                UNION ALL SELECT 'account', 'name', new.number, new.name, lower(new.name), new.name WHERE new.name <> ''
                UNION ALL SELECT 'account', 'company', new.number, new.company, lower(new.company), new.name WHERE new.company <> '';
            UPDATE search_entry SET name = new.name WHERE account = new.number AND kind IN ('invoice', 'po_number');
        END;
        CREATE TRIGGER search_account_delete AFTER DELETE ON account BEGIN
            DELETE FROM search_entry WHERE account = old.number;
        END;

        CREATE TRIGGER search_contact_insert AFTER INSERT ON contact BEGIN
            INSERT INTO search_entry (kind, field, account, ref, term, key, name)
                SELECT 'contact', 'name', new.account, new.id, new.name, lower(new.name), new.name WHERE new.name <> ''
                UNION ALL SELECT 'contact', 'email', new.account, new.id, new.email, lower(new.email), new.name WHERE new.email <> '';
        END;
        CREATE TRIGGER search_contact_update AFTER UPDATE OF id, name, email ON contact
        WHEN old.id IS NOT new.id OR old.name IS NOT new.name OR old.email IS NOT new.email BEGIN
            DELETE FROM search_entry WHERE account = old.account AND kind = 'contact' AND ref = old.id;
            INSERT INTO search_entry (kind, field, account, ref, term, key, name)
                SELECT 'contact', 'name', new.account, new.id, new.name, lower(new.name), new.name WHERE new.name <> ''
                UNION ALL SELECT 'contact', 'email', new.account, new.id, new.email, lower(new.email), new.name WHERE new.email <> '';
        END;
        CREATE TRIGGER search_contact_delete AFTER DELETE ON contact BEGIN
            DELETE FROM search_entry WHERE account = old.account AND kind = 'contact' AND ref = old.id;
        END;

        CREATE TRIGGER search_item_insert AFTER INSERT ON item WHEN new.kind = 'invoice' BEGIN
            INSERT INTO search_entry (kind, field, account, ref, term, key, name, label)
                SELECT 'invoice', 'number', new.account, new.id, new.number, lower(new.number), a.name, NULL
                    FROM account a WHERE a.number = new.account AND new.number <> ''
                UNION ALL SELECT 'po_number', 'po_number', new.account, new.id, new.po_number, lower(new.po_number), a.name, new.number
                    FROM account a WHERE a.number = new.account AND new.po_number <> '';
        END;
        CREATE TRIGGER search_item_update AFTER UPDATE OF id, kind, number, po_number ON item
        WHEN old.id IS NOT new.id OR old.kind IS NOT new.kind OR old.number IS NOT new.number OR old.po_number IS NOT new.po_number BEGIN
            DELETE FROM search_entry WHERE account = old.account AND kind IN ('invoice', 'po_number') AND ref = old.id;
            INSERT INTO search_entry (kind, field, account, ref, term, key, name, label)
                SELECT 'invoice', 'number', new.account, new.id, new.number, lower(new.number), a.name, NULL
                    FROM account a WHERE a.number = new.account AND new.kind = 'invoice' AND new.number <> ''
                UNION ALL SELECT 'po_number', 'po_number', new.account, new.id, new.po_number, lower(new.po_number), a.name, new.number
                    FROM account a WHERE a.number = new.account AND new.kind = 'invoice' AND new.po_number <> '';
        END;
        CREATE TRIGGER search_item_delete AFTER DELETE ON item WHEN old.kind = 'invoice' BEGIN
            DELETE FROM search_entry WHERE account = old.account AND kind IN ('invoice', 'po_number') AND ref = old.id;
        END;
        """)
    }
}
