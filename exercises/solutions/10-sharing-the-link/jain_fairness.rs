//! Solution to `jain-fairness` (lesson 10, warm-up).

/// Every `"share_bytes_per_s":NUMBER` in `json`, in order.
pub fn shares(json: &str) -> Vec<f64> {
    const KEY: &str = "\"share_bytes_per_s\":";
    json.split(KEY)
        .skip(1)
        .filter_map(|rest| {
            let end = rest.find([',', '}']).unwrap_or(rest.len());
            rest[..end].trim().parse().ok()
        })
        .collect()
}

/// Jain's fairness index: (sum of x)^2 / (n * sum of x^2); 1 for no flows or only zeros.
pub fn jain(shares: &[f64]) -> f64 {
    let sum: f64 = shares.iter().sum();
    let squares: f64 = shares.iter().map(|x| x * x).sum();
    if squares == 0.0 {
        return 1.0;
    }
    sum * sum / (shares.len() as f64 * squares)
}
