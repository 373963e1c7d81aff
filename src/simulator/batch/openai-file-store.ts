import { randomUUID } from 'node:crypto';

/** A file as `POST /v1/files` took it. */
export interface StoredFile {
  id: string;
  provider: string;
  filename: string;
  purpose: string;
  content: string;
  createdAt: number;
}

/** The files uploaded to the simulated OpenAI Files API, each seen only by the provider it was uploaded to. */
export class OpenAIFileStore {
  readonly #files = new Map<string, StoredFile>();

  constructor(private readonly now: () => number) {}

  add(provider: string, upload: Pick<StoredFile, 'filename' | 'purpose' | 'content'>): StoredFile {
    const stored: StoredFile = {
      id: `file-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      provider,
      ...upload,
      createdAt: this.now(),
    };
    this.#files.set(stored.id, stored);
    return stored;
  }

  /** The file, when this provider uploaded it. */
  get(provider: string, fileId: string): StoredFile | undefined {
    const stored = this.#files.get(fileId);
    return stored?.provider === provider ? stored : undefined;
  }
}
