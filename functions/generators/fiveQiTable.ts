/**
 * Standardized values this project relies on, as data with their clause references.
 *
 * Sources: 3GPP TS 23.501 clause 5.15.2.2 (standardized SST values) and Table 5.7.4-1 (standardized 5QI to
 * QoS characteristics mapping). Values were checked against published reproductions of the table; only
 * the rows a slice default or a latency upgrade can pick, plus IMS signalling (5QI 5, kept so that it can
 * be recognised and refused), are listed.
 */

/** Slice types of the vocabulary (`sliceType`). */
export type SliceType = "eMBB" | "URLLC" | "MIoT" | "V2X" | "HMTC";

/** Reference of the SST table. */
export const SST_REFERENCE = "3GPP TS 23.501 clause 5.15.2.2, standardized SST values";

/** Standardized SST per slice type (eMBB 1, URLLC 2, MIoT 3, V2X 4, HMTC 5). */
export const SST_BY_SLICE_TYPE: Readonly<Record<SliceType, number>> = {
  eMBB: 1,
  URLLC: 2,
  MIoT: 3,
  V2X: 4,
  HMTC: 5,
};

/** Reference of the 5QI table. */
export const FIVE_QI_REFERENCE =
  "3GPP TS 23.501 Table 5.7.4-1, standardized 5QI to QoS characteristics mapping";

export type ResourceType = "GBR" | "Non-GBR" | "Delay-critical GBR";

/** One row of TS 23.501 Table 5.7.4-1. */
export interface FiveQiRow {
  fiveQI: number;
  resourceType: ResourceType;
  defaultPriorityLevel: number;
  /** Packet Delay Budget, ms (UE to UPF N6 termination). */
  packetDelayBudgetMs: number;
  /** Packet Error Rate, as written in the table (e.g. `"1e-6"`). */
  packetErrorRate: string;
  /** Default Maximum Data Burst Volume in bytes (delay-critical GBR only). */
  maxDataBurstVolumeBytes?: number;
  exampleServices: string;
  /**
   * Signalling class: its delay budget is for signalling, not for user-plane traffic, so it is never a
   * valid answer to a user-plane latency target (5QI 5, IMS signalling; 5QI 69, MC signalling).
   */
  signalling?: true;
}

/** The rows used, sorted by 5QI. */
export const FIVE_QI_TABLE: readonly FiveQiRow[] = [
  {
    fiveQI: 1,
    resourceType: "GBR",
    defaultPriorityLevel: 20,
    packetDelayBudgetMs: 100,
    packetErrorRate: "1e-2",
    exampleServices: "Conversational Voice",
  },
  {
    fiveQI: 2,
    resourceType: "GBR",
    defaultPriorityLevel: 40,
    packetDelayBudgetMs: 150,
    packetErrorRate: "1e-3",
    exampleServices: "Conversational Video (Live Streaming)",
  },
  {
    fiveQI: 3,
    resourceType: "GBR",
    defaultPriorityLevel: 30,
    packetDelayBudgetMs: 50,
    packetErrorRate: "1e-3",
    exampleServices:
      "Real Time Gaming; V2X messages; Electricity distribution, medium voltage; Process automation, monitoring",
  },
  {
    fiveQI: 4,
    resourceType: "GBR",
    defaultPriorityLevel: 50,
    packetDelayBudgetMs: 300,
    packetErrorRate: "1e-6",
    exampleServices: "Non-Conversational Video (Buffered Streaming)",
  },
  {
    fiveQI: 5,
    resourceType: "Non-GBR",
    defaultPriorityLevel: 10,
    packetDelayBudgetMs: 100,
    packetErrorRate: "1e-6",
    exampleServices: "IMS Signalling",
    signalling: true,
  },
  {
    fiveQI: 6,
    resourceType: "Non-GBR",
    defaultPriorityLevel: 60,
    packetDelayBudgetMs: 300,
    packetErrorRate: "1e-6",
    exampleServices: "Video (Buffered Streaming), TCP-based (www, e-mail, chat, ftp, p2p, …)",
  },
  {
    fiveQI: 7,
    resourceType: "Non-GBR",
    defaultPriorityLevel: 70,
    packetDelayBudgetMs: 100,
    packetErrorRate: "1e-3",
    exampleServices: "Voice; Video (Live Streaming); Interactive Gaming",
  },
  {
    fiveQI: 8,
    resourceType: "Non-GBR",
    defaultPriorityLevel: 80,
    packetDelayBudgetMs: 300,
    packetErrorRate: "1e-6",
    exampleServices: "Video (Buffered Streaming), TCP-based",
  },
  {
    fiveQI: 9,
    resourceType: "Non-GBR",
    defaultPriorityLevel: 90,
    packetDelayBudgetMs: 300,
    packetErrorRate: "1e-6",
    exampleServices: "Video (Buffered Streaming), TCP-based; default bearer (internet)",
  },
  {
    fiveQI: 69,
    resourceType: "Non-GBR",
    defaultPriorityLevel: 5,
    packetDelayBudgetMs: 60,
    packetErrorRate: "1e-6",
    exampleServices: "Mission Critical delay sensitive signalling (e.g. MC-PTT signalling)",
    signalling: true,
  },
  {
    fiveQI: 79,
    resourceType: "Non-GBR",
    defaultPriorityLevel: 65,
    packetDelayBudgetMs: 50,
    packetErrorRate: "1e-2",
    exampleServices: "V2X messages",
  },
  {
    fiveQI: 80,
    resourceType: "Non-GBR",
    defaultPriorityLevel: 68,
    packetDelayBudgetMs: 10,
    packetErrorRate: "1e-6",
    exampleServices: "Low Latency eMBB applications; Augmented Reality",
  },
  {
    fiveQI: 82,
    resourceType: "Delay-critical GBR",
    defaultPriorityLevel: 19,
    packetDelayBudgetMs: 10,
    packetErrorRate: "1e-4",
    maxDataBurstVolumeBytes: 255,
    exampleServices: "Discrete Automation",
  },
  {
    fiveQI: 83,
    resourceType: "Delay-critical GBR",
    defaultPriorityLevel: 22,
    packetDelayBudgetMs: 10,
    packetErrorRate: "1e-4",
    maxDataBurstVolumeBytes: 1354,
    exampleServices:
      "Discrete Automation; V2X messages (UE-RSU platooning, advanced driving: cooperative lane change with low LoA)",
  },
  {
    fiveQI: 84,
    resourceType: "Delay-critical GBR",
    defaultPriorityLevel: 24,
    packetDelayBudgetMs: 30,
    packetErrorRate: "1e-5",
    maxDataBurstVolumeBytes: 1354,
    exampleServices: "Intelligent Transport Systems",
  },
  {
    fiveQI: 85,
    resourceType: "Delay-critical GBR",
    defaultPriorityLevel: 21,
    packetDelayBudgetMs: 5,
    packetErrorRate: "1e-5",
    maxDataBurstVolumeBytes: 255,
    exampleServices: "Electricity distribution, high voltage; V2X messages (remote driving)",
  },
  {
    fiveQI: 86,
    resourceType: "Delay-critical GBR",
    defaultPriorityLevel: 18,
    packetDelayBudgetMs: 5,
    packetErrorRate: "1e-4",
    maxDataBurstVolumeBytes: 1354,
    exampleServices: "V2X messages (advanced driving: collision avoidance, platooning with high LoA)",
  },
];

/** The row of a 5QI, if the table lists it. */
export function fiveQiRow(fiveQI: number): FiveQiRow | undefined {
  return FIVE_QI_TABLE.find((row) => row.fiveQI === fiveQI);
}

/**
 * Per slice type: the default 5QI first, then the stricter candidates tried in order when a latency target
 * needs a smaller packet delay budget.
 * - eMBB: 9 (default non-GBR, 300 ms) → 7 (100 ms) → 80 (low-latency eMBB / AR, 10 ms).
 * - URLLC: 82 (delay-critical GBR, discrete automation, 10 ms) → 85 (5 ms).
 * - MIoT: 9 (delay-tolerant machine traffic, 300 ms) → 7 (100 ms) → 80 (10 ms).
 * - V2X: 83 (delay-critical GBR, V2X platooning / cooperative lane change, 10 ms) → 86 (V2X collision
 *   avoidance, 5 ms).
 * - HMTC: 82 (delay-critical GBR, discrete automation, 10 ms) → 85 (5 ms).
 * No list contains a signalling 5QI.
 */
export const FIVE_QI_CANDIDATES: Readonly<Record<SliceType, readonly number[]>> = {
  eMBB: [9, 7, 80],
  URLLC: [82, 85],
  MIoT: [9, 7, 80],
  V2X: [83, 86],
  HMTC: [82, 85],
};
