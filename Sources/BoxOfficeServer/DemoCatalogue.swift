public import BoxOfficeCore
public import BoxOfficeStore
public import Logging

/// The catalogue a fresh server starts with, so `boxofficed` with no options has something to sell.
public enum DemoCatalogue {
    /// Fills an empty database with the demo catalogue; returns its summary, or nil when the
    /// database already had a catalogue.
    @discardableResult
    public static func loadIfEmpty(into store: CatalogueStore, clock: any TimeSource = SystemTimeSource(), logger: Logger) throws -> CatalogueSummary? {
        guard try store.isEmpty() else { return nil }
        // Start a day before UTC's date: it is still yesterday in Hawaii when it is today in UTC.
        let startDate = LocalDate(daysSinceEpoch: Int(clock.nowMilliseconds / 86_400_000) - 1)
        logger.info("database is empty: loading the demo catalogue", metadata: ["boxoffice.start_date": "\(startDate)"])
        let summary = try CatalogueGenerator(options: CatalogueGenerator.demo(startDate: startDate)).generate(into: store)
        logger.info("demo catalogue loaded", metadata: [
            "boxoffice.theatres": "\(summary.theatres)", "boxoffice.showtimes": "\(summary.showtimes)",
        ])
        return summary
    }
}
