/// The general sales tax rate of each state, DC and territory, applied to tickets and fees.
///
/// Source: Tax Foundation, "State and Local Sales Tax Rates, 2024" (state-level rates in force on
/// January 1, 2024; https://taxfoundation.org/data/all/state/2024-sales-taxes/), and for Puerto Rico
/// its 10.5% state IVU. Local add-on rates vary by city and are not modelled; states with no general
/// sales tax (AK, DE, MT, NH, OR) and the territories that levy none (GU, VI, AS, MP) charge 0.
/// Rates are in thousandths of a percent so 6.875% is exact.
public enum SalesTax {
    /// Thousandths of a percent by two-letter code.
    static let milliPercent: [String: Int64] = [
        "AL": 4_000, "AK": 0, "AZ": 5_600, "AR": 6_500, "CA": 7_250, "CO": 2_900, "CT": 6_350,
        "DE": 0, "DC": 6_000, "FL": 6_000, "GA": 4_000, "HI": 4_000, "ID": 6_000, "IL": 6_250,
        "IN": 7_000, "IA": 6_000, "KS": 6_500, "KY": 6_000, "LA": 4_450, "ME": 5_500, "MD": 6_000,
        "MA": 6_250, "MI": 6_000, "MN": 6_875, "MS": 7_000, "MO": 4_225, "MT": 0, "NE": 5_500,
        "NV": 6_850, "NH": 0, "NJ": 6_625, "NM": 4_875, "NY": 4_000, "NC": 4_750, "ND": 5_000,
        "OH": 5_750, "OK": 4_500, "OR": 0, "PA": 6_000, "RI": 7_000, "SC": 6_000, "SD": 4_200,
        "TN": 7_000, "TX": 6_250, "UT": 6_100, "VT": 6_000, "VA": 5_300, "WA": 6_500, "WV": 6_000,
        "WI": 5_000, "WY": 4_000,
        "PR": 10_500, "GU": 0, "VI": 0, "AS": 0, "MP": 0,
    ]

    /// The rate in thousandths of a percent; nil for a code that is not a US state, DC or territory.
    public static func rate(state: String) -> Int64? { milliPercent[state] }

    /// Tax on `cents` at `state`'s rate, rounded half up to the cent.
    public static func tax(on cents: Int64, state: String) -> Int64? {
        guard let rate = rate(state: state) else { return nil }
        return (cents * rate + 50_000) / 100_000
    }
}
