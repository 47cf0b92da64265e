import BoxOfficeCore
import GRDB

/// One user's rating of a movie, with an optional review, as stored.
public struct ReviewRecord: Sendable, Hashable {
    /// The SELECT every store reads reviews with, the reviewer's name joined in.
    public static let joinedSelect = """
        SELECT r.user_id, r.movie_id, r.stars, r.review, u.name AS reviewer_name, r.created_at, r.updated_at
        FROM reviews r JOIN users u ON u.id = r.user_id
        """

    public var userID: Int64
    public var movieID: Int64
    public var stars: Int
    public var text: String
    /// The reviewer's display name (joined from users; never the email).
    public var reviewerName: String
    /// Unix milliseconds.
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(userID: Int64, movieID: Int64, stars: Int, text: String, reviewerName: String, createdAt: Int64, updatedAt: Int64) {
        self.userID = userID
        self.movieID = movieID
        self.stars = stars
        self.text = text
        self.reviewerName = reviewerName
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A movie's ratings in sum.
public struct RatingSummary: Sendable, Hashable {
    public var averageStars: Double
    public var count: Int

    public init(averageStars: Double, count: Int) {
        self.averageStars = averageStars
        self.count = count
    }

    public static let none = RatingSummary(averageStars: 0, count: 0)
}

extension CatalogueStore {
    /// True when `userID` has a confirmed booking for any showing of `movieID`: who may review it.
    public func hasConfirmedBooking(userID: Int64, movieID: Int64) throws -> Bool {
        try dbPool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM bookings b JOIN showtimes s ON s.id = b.showtime_id
                               WHERE b.user_id = ? AND b.state = 'confirmed' AND s.movie_id = ?)
                """, arguments: [userID, movieID]) ?? false
        }
    }

    /// Writes `userID`'s rating of `movieID` at `now` (unix ms): a new one, or an edit that keeps
    /// its creation time. Returns it as stored.
    public func saveReview(userID: Int64, movieID: Int64, stars: Int, text: String, now: Int64) throws -> ReviewRecord {
        try dbPool.write { db in
            try db.execute(sql: """
                INSERT INTO reviews (user_id, movie_id, stars, review, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, movie_id) DO UPDATE SET stars = excluded.stars, review = excluded.review,
                    updated_at = max(excluded.updated_at, reviews.created_at)
                """, arguments: [userID, movieID, stars, text, now, now])
            guard let row = try Row.fetchOne(db, sql: "\(ReviewRecord.joinedSelect) WHERE r.user_id = ? AND r.movie_id = ?",
                                             arguments: [userID, movieID])
            else { throw BoxOfficeError.internalError("the review of movie \(movieID) by user \(userID) was not written") }
            return ReviewRecord(row: row)
        }
    }

    /// Deletes `userID`'s rating of `movieID`; false when there was none.
    public func deleteReview(userID: Int64, movieID: Int64) throws -> Bool {
        try dbPool.write { db in
            try db.execute(sql: "DELETE FROM reviews WHERE user_id = ? AND movie_id = ?", arguments: [userID, movieID])
            return db.changesCount == 1
        }
    }

    /// A page of `movieID`'s reviews, newest edit first, and how many there are.
    public func reviews(movieID: Int64, offset: Int, limit: Int) throws -> (reviews: [ReviewRecord], total: Int) {
        try dbPool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM reviews WHERE movie_id = ?", arguments: [movieID]) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                \(ReviewRecord.joinedSelect) WHERE r.movie_id = ? ORDER BY r.updated_at DESC, r.user_id DESC LIMIT ? OFFSET ?
                """, arguments: [movieID, limit, offset])
            return (rows.map(ReviewRecord.init(row:)), total)
        }
    }

    /// The rating summary of each movie that has ratings, by id.
    public func ratingSummaries(movieIDs: [Int64]) throws -> [Int64: RatingSummary] {
        guard !movieIDs.isEmpty else { return [:] }
        return try dbPool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT star_total, rating_count FROM movie_ratings WHERE movie_id = ?")
            var found: [Int64: RatingSummary] = [:]
            for id in Set(movieIDs) {
                guard let row = try Row.fetchOne(statement, arguments: [id]) else { continue }
                let (total, count): (Int64, Int64) = (row["star_total"], row["rating_count"])
                if count > 0 { found[id] = RatingSummary(averageStars: Double(total) / Double(count), count: Int(count)) }
            }
            return found
        }
    }
}

extension ReviewRecord {
    init(row: Row) {
        self.init(userID: row["user_id"], movieID: row["movie_id"], stars: row["stars"], text: row["review"],
                  reviewerName: row["reviewer_name"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
