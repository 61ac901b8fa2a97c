/**
 * The leadership the maintenance jobs (daily archives, plan retention) ask for with
 * `store.tryLead`: one name for both, so that with several servers on one PostgreSQL database one
 * process runs them all, and retention deletes archive files in the same data folder the archive
 * job writes them to.
 */
export const MAINTENANCE = 'maintenance'
