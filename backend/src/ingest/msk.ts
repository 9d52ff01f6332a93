import { z } from 'zod';

/** The MSK / self-managed Kafka event source shape delivered to Lambda (values base64). */
export const MskEventSchema = z.object({
  eventSource: z.string().optional(),
  records: z.record(
    z.string(),
    z.array(
      z.object({
        topic: z.string(),
        partition: z.number().int(),
        offset: z.union([z.number().int(), z.string()]),
        value: z.string().nullable().optional(),
        key: z.string().nullable().optional(),
      }).passthrough(),
    ),
  ),
});
export type MskEvent = z.infer<typeof MskEventSchema>;

/** Records in partition order, with their values decoded to bytes. */
export function mskRecords(event: MskEvent): { topic: string; partition: number; offset: string; value: Buffer | null }[] {
  return Object.values(event.records)
    .flat()
    .map((r) => ({ topic: r.topic, partition: r.partition, offset: String(r.offset), value: r.value ? Buffer.from(r.value, 'base64') : null }));
}
