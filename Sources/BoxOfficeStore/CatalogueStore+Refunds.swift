import GRDB

extension CatalogueStore {
    /// Remembers a refund still owed; a second record of the same charge keeps the first.
    public func oweRefund(_ refund: OwedRefund) throws {
        try dbPool.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO owed_refunds (charge_ref, amount_cents, user_id, reason, owed_since) VALUES (?, ?, ?, ?, ?)
                """, arguments: [refund.chargeReference, refund.amountCents, refund.userID, refund.reason, refund.owedSince])
        }
    }

    /// The oldest refunds still owed, at most `limit`.
    public func owedRefunds(limit: Int) throws -> [OwedRefund] {
        try dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM owed_refunds ORDER BY owed_since, charge_ref LIMIT ?", arguments: [limit]).map(OwedRefund.init(row:))
        }
    }

    /// Forgets a refund the processor has taken.
    public func settleRefund(chargeReference: String) throws {
        try dbPool.write { db in
            try db.execute(sql: "DELETE FROM owed_refunds WHERE charge_ref = ?", arguments: [chargeReference])
        }
    }
}
