// Photos are checked and shrunk on the phone before they are sent: a camera picture of 4–8 MB becomes a JPEG of
// a few hundred kB (longest side 1600 px), well under the server's 2 MB per photo, so elderly residents on slow
// mobile data are not left waiting and never meet "photo too large".
export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
const MAX_SIDE = 1600;

export interface PreparedPhoto {
  fileName: string;
  contentType: string;
  dataBase64: string;
  byteSize: number;
  /** An object URL of the prepared image, for the preview. */
  previewUrl: string;
}

export class PhotoProblem extends Error {
  constructor(
    readonly kind: 'not-image' | 'too-big',
    readonly fileName: string,
  ) {
    super(kind);
  }
}

function loadImage(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('decode'));
    };
    img.src = url;
  });
}

function toBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode'))), 'image/jpeg', quality),
  );
}

function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** Scales the picture down to MAX_SIDE and re-encodes it as JPEG, lowering the quality until it fits. */
export async function preparePhoto(file: File): Promise<PreparedPhoto> {
  if (!file.type.startsWith('image/')) throw new PhotoProblem('not-image', file.name);
  let img: HTMLImageElement;
  try {
    img = await loadImage(file);
  } catch {
    throw new PhotoProblem('not-image', file.name);
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
  const g = canvas.getContext('2d');
  if (!g) throw new PhotoProblem('not-image', file.name);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(img, 0, 0, canvas.width, canvas.height);
  let blob: Blob | null = null;
  for (const quality of [0.82, 0.7, 0.55, 0.4]) {
    blob = await toBlob(canvas, quality);
    if (blob.size <= MAX_PHOTO_BYTES) break;
  }
  if (!blob || blob.size > MAX_PHOTO_BYTES) throw new PhotoProblem('too-big', file.name);
  const name = file.name.replace(/\.[^.]*$/, '') || 'photo';
  return {
    fileName: `${name}.jpg`,
    contentType: 'image/jpeg',
    dataBase64: await base64Of(blob),
    byteSize: blob.size,
    previewUrl: URL.createObjectURL(blob),
  };
}
