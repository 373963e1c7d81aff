import { openaiWire } from '../openai-wire.js';
import type { DeskBatch, DeskItem, DeskItemResult } from './batch-desk.js';

/**
 * The lines of an ended batch's output file (`wantOk`: the answered items) or error file (every
 * other item), in the batch's order, as OpenAI writes them.
 */
export function resultLines(batch: DeskBatch, wantOk: boolean) {
  return batch.items.flatMap((item, index) => {
    const result = batch.results?.get(item.customId);
    if (!result || (result.kind === 'ok') !== wantOk) return [];
    return [resultLine(batch, item, index, result)];
  });
}

function resultLine(batch: DeskBatch, item: DeskItem, index: number, result: DeskItemResult) {
  const id = `batch_req_${batch.id.slice(6)}_${index}`;
  const requestIdValue = `req_${batch.id.slice(6, 18)}${index}`;
  switch (result.kind) {
    case 'ok':
      return {
        id,
        custom_id: item.customId,
        response: {
          status_code: 200,
          request_id: requestIdValue,
          body: openaiWire.success(result.facts).body,
        },
        error: null,
      };
    case 'error': {
      const reply = openaiWire.error({
        id: requestIdValue,
        status: result.status,
        kind: 'error-rate',
        model: item.call.model,
      });
      return {
        id,
        custom_id: item.customId,
        response: { status_code: result.status, request_id: requestIdValue, body: reply.body },
        error: null,
      };
    }
    case 'expired':
      return {
        id,
        custom_id: item.customId,
        response: null,
        error: {
          code: 'batch_expired',
          message: 'This request could not be executed before the completion window expired.',
        },
      };
    case 'cancelled':
      return {
        id,
        custom_id: item.customId,
        response: null,
        error: {
          code: 'batch_cancelled',
          message: 'This request was not executed because the batch was cancelled.',
        },
      };
    default:
      throw new Error(`unknown item result ${JSON.stringify(result satisfies never)}`);
  }
}
