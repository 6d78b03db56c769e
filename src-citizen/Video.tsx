import { useLayoutEffect, useRef } from 'react';

/** A video element showing a stream (set once per stream, not on every render). */
export function Video({
  stream,
  muted,
  label,
  className,
  onPlaying,
}: {
  stream: MediaStream | null;
  muted: boolean;
  label: string;
  className: string;
  onPlaying?: () => void;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  // Before the frame is painted, not after it: the picture starts one frame sooner.
  useLayoutEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} className={className} autoPlay playsInline muted={muted} aria-label={label} onPlaying={onPlaying} />;
}
