import { useEffect, type ReactNode } from 'react';
import type { HardwareSnapshot, LlamaHardwareView } from '../../../../shared/hardwareDto';
import { formatBytes } from '../../shared/lib/format';
import { badge, cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { backendName, osLine, sortGpus, useHardwareStore } from './hardware';
import { MemoryMeter } from './MemoryMeter';
import { BenchCard, ProfileCard } from './BenchCard';

const card = 'rounded-lg border border-zinc-200 p-4 dark:border-zinc-800';
const cardHeading = 'mb-3 text-sm font-semibold';

/** `#/hardware`: CPU, RAM and VRAM as bars with numbers, the GPUs, and the llama.cpp backend in use. */
export function HardwareView() {
  const snapshot = useHardwareStore((s) => s.snapshot);
  const loading = useHardwareStore((s) => s.loading);
  const error = useHardwareStore((s) => s.error);
  const fetch = useHardwareStore((s) => s.fetch);

  // Free memory changes all the time: read it again each time the view opens.
  useEffect(() => {
    void fetch();
  }, [fetch]);

  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="flex items-center justify-between gap-4">
        <div>
          <h1 className="text-lg font-semibold">Hardware</h1>
          {snapshot && (
            <p className={cx('text-xs', mutedText)}>
              {osLine(snapshot.os)} · read at <time dateTime={snapshot.takenAt}>{new Date(snapshot.takenAt).toLocaleTimeString()}</time>
            </p>
          )}
        </div>
        <button type="button" className={secondaryButton} aria-busy={loading} disabled={loading} onClick={() => void fetch({ refresh: true })}>
          {loading && snapshot ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {error && (
        <p role="alert" className={cx('mt-3', errorText)}>
          Could not read the hardware: {error.replace(/\.$/, '')}. Press Refresh to try again; if it keeps failing, the log of{' '}
          <code className="font-mono">hearth serve</code> says more.
        </p>
      )}
      {!snapshot && loading && (
        <p className={cx('mt-4', mutedText)}>Reading this machine… the first read starts the engine and can take a few seconds.</p>
      )}
      {snapshot && <SnapshotView snapshot={snapshot} />}
    </div>
  );
}

function SnapshotView({ snapshot }: { snapshot: HardwareSnapshot }) {
  return (
    <div className="mt-4 grid max-w-5xl gap-4 lg:grid-cols-2">
      <MemoryCard snapshot={snapshot} />
      <CpuCard cpu={snapshot.cpu} />
      <LlamaCard llama={snapshot.llama} />
      <GpuCard gpus={snapshot.gpus} />
      <BenchCard />
      <ProfileCard />
      {(snapshot.notes.length > 0 || snapshot.errors.length > 0) && <NotesCard notes={snapshot.notes} errors={snapshot.errors} />}
    </div>
  );
}

function Card({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  const id = `hardware-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={id} className={cx(card, className)}>
      <h2 id={id} className={cardHeading}>
        {title}
      </h2>
      {children}
    </section>
  );
}

function MemoryCard({ snapshot }: { snapshot: HardwareSnapshot }) {
  const { ram, llama } = snapshot;
  const vram = llama && llama.vram.totalBytes > 0 ? llama.vram : null;
  return (
    <Card title="Memory" className="lg:col-span-2">
      <div className="grid gap-4 md:grid-cols-2">
        <MemoryMeter name="RAM" totalBytes={ram.totalBytes} freeBytes={ram.freeBytes} />
        {vram ? (
          <MemoryMeter
            name="VRAM"
            caption={`as llama.cpp (${backendName(llama!.backend)}) sees it${llama!.unifiedBytes > 0 ? ', shared with RAM' : ''}`}
            totalBytes={vram.totalBytes}
            freeBytes={vram.freeBytes}
          />
        ) : (
          <div>
            <div className="font-medium">VRAM</div>
            <p className={cx('mt-1 text-xs', mutedText)}>
              {llama
                ? 'None in use: llama.cpp runs on the CPU here, so models load into RAM.'
                : 'Unknown: llama.cpp could not be asked (see Problems below). Fit labels use RAM only.'}
            </p>
          </div>
        )}
        {ram.swapTotalBytes > 0 ? (
          <MemoryMeter name="Swap" totalBytes={ram.swapTotalBytes} freeBytes={ram.swapFreeBytes} />
        ) : (
          <div>
            <div className="font-medium">Swap</div>
            <p className={cx('mt-1 text-xs', mutedText)}>None.</p>
          </div>
        )}
      </div>
    </Card>
  );
}

function CpuCard({ cpu }: { cpu: HardwareSnapshot['cpu'] }) {
  return (
    <Card title="CPU">
      <p className="font-medium" data-testid="cpu-model">
        {cpu.model || 'Unknown CPU'}
      </p>
      <p className={cx('mt-1 font-mono text-xs tabular-nums', mutedText)}>
        {cpu.physicalCores} physical cores · {cpu.logicalCores} logical cores
      </p>
      {cpu.simd.length > 0 ? (
        <ul aria-label="SIMD extensions" className="mt-3 flex flex-wrap gap-1">
          {cpu.simd.map((flag) => (
            <li key={flag} className={cx(badge, 'bg-zinc-100 font-mono text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300')}>
              {flag}
            </li>
          ))}
        </ul>
      ) : (
        <p className={cx('mt-3 text-xs', mutedText)}>No SIMD extensions found that llama.cpp uses; generation will be slow.</p>
      )}
    </Card>
  );
}

function LlamaCard({ llama }: { llama: LlamaHardwareView | null }) {
  if (!llama) {
    return (
      <Card title="llama.cpp">
        <p className={errorText}>llama.cpp could not be asked: the engine did not start or did not answer.</p>
        <p className={cx('mt-1 text-xs', mutedText)}>Problems below says why. Press Refresh to ask again.</p>
      </Card>
    );
  }
  const onGpu = llama.backend !== 'cpu';
  return (
    <Card title="llama.cpp">
      <p className="font-medium">llama.cpp backend: {backendName(llama.backend)}</p>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs">
        <dt className={mutedText}>Devices</dt>
        <dd>{llama.gpuNames.length > 0 ? llama.gpuNames.join(', ') : onGpu ? 'none found' : 'CPU only'}</dd>
        <dt className={mutedText}>VRAM</dt>
        <dd className="font-mono tabular-nums">
          {llama.vram.totalBytes > 0
            ? `${formatBytes(llama.vram.usedBytes)} used of ${formatBytes(llama.vram.totalBytes)} · ${formatBytes(llama.vram.freeBytes)} free`
            : '–'}
        </dd>
        {llama.unifiedBytes > 0 && (
          <>
            <dt className={mutedText}>Unified memory</dt>
            <dd className="font-mono tabular-nums">{formatBytes(llama.unifiedBytes)} shared with RAM</dd>
          </>
        )}
        <dt className={mutedText}>Math threads</dt>
        <dd className="font-mono tabular-nums">{llama.cpuMathCores}</dd>
        <dt className={mutedText}>Binary</dt>
        <dd title={llama.binary === 'prebuilt' ? 'node-llama-cpp’s prebuilt llama.cpp. Installs from npm or git can compile one for this CPU: hearth engine build' : 'Compiled on this machine by hearth engine build'}>
          {llama.binary === 'prebuilt' ? 'prebuilt' : 'built on this machine'}
        </dd>
      </dl>
    </Card>
  );
}

function GpuCard({ gpus }: { gpus: HardwareSnapshot['gpus'] }) {
  return (
    <Card title="GPUs (as the OS reports them)">
      {gpus.length === 0 ? (
        <p className={mutedText}>The OS reports no GPU. Models run on the CPU from RAM.</p>
      ) : (
        <table aria-label="GPUs" className="w-full border-collapse text-xs">
          <thead>
            <tr className={cx('border-b border-zinc-200 text-left dark:border-zinc-800', mutedText)}>
              <th scope="col" className="py-1 pr-3 font-medium">Vendor</th>
              <th scope="col" className="py-1 pr-3 font-medium">Model</th>
              <th scope="col" className="py-1 pr-3 text-right font-medium">VRAM</th>
              <th scope="col" className="py-1 font-medium">Driver</th>
            </tr>
          </thead>
          <tbody>
            {sortGpus(gpus).map((gpu, i) => (
              <tr key={`${gpu.vendor}-${gpu.model}-${i}`} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
                <td className="py-1 pr-3">{gpu.vendor || '–'}</td>
                <td className="py-1 pr-3">{gpu.model || '–'}</td>
                <td className="py-1 pr-3 text-right font-mono tabular-nums whitespace-nowrap">
                  {gpu.vramBytes !== null ? formatBytes(gpu.vramBytes) : '–'}
                </td>
                <td className="py-1 font-mono">{gpu.driver || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function NotesCard({ notes, errors }: { notes: string[]; errors: string[] }) {
  return (
    <Card title="Notes and problems" className="lg:col-span-2">
      {notes.length > 0 && (
        <ul aria-label="Notes" className="list-disc space-y-1 pl-5">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {errors.length > 0 && (
        <>
          <h3 className={cx('text-xs font-semibold', notes.length > 0 && 'mt-3', errorText)}>Problems (the rest of this page is still right)</h3>
          <ul aria-label="Problems" className={cx('mt-1 list-disc space-y-1 pl-5', errorText)}>
            {errors.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
