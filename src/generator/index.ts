/** The synthetic portfolio generator: what `cutover generate`, `cutover demo` and the benchmarks use. */
export {
  generatePortfolio,
  type GeneratePortfolioOptions,
  type PortfolioSummary,
} from './generate-portfolio.js';
export { portfolioPlan, type PortfolioPlanOptions } from './portfolio-plan.js';
export { writeContactsCsv, type WriteContactsCsvOptions } from './contacts-csv.js';
export type { Defect, DefectKind, ExpectedFate, Manifest } from './manifest.js';
