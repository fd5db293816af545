#!/usr/bin/env python3
"""Render a small multi-label music auto-tagging set laid out like MagnaTagATune.

Scores come from the corpus bundled with the `music21` package; 15-second
excerpts are synthesised with FluidSynth through the FluidR3_GM General MIDI
SoundFont, mixed to mono at 16 kHz, loudness-normalised and written as 32 kbps
MP3.  Tags (period, mode, metre, tempo, instrument family, texture, register)
are derived from the score excerpt and the rendering choices, so each one
describes something audible.  Output (default `data/music/`):

    mp3/<0-f>/<name>.mp3     320 clips, 20 per folder
    annotations_final.csv    MTAT format: tab-separated, every field quoted
    clips.csv                provenance of every clip (score, window, tempo, ...)

MTAT's usual split applies unchanged: folders 0-b train, c validation, d-f
test.  Scores are assigned to splits as a whole (no score in two splits), and
the plan is re-drawn until every tag has at least two positives and two
negatives in each split.  See data/music/README.md for the tag definitions.

Setup on a fresh Debian 12 machine (as root), then run from the repo root:

    apt-get install -y fluidsynth fluid-soundfont-gm
    .venv/bin/pip install music21==10.5.1 soundfile==0.14.0 numpy
    .venv/bin/python tools/gen_music_clips.py            # ~5 min, 1 core
    .venv/bin/python tools/gen_music_clips.py --plan-only   # tag table only

Everything is seeded (--seed, default 2016); FluidSynth 2.3.1, FluidR3_GM 3.1-5.3
and libsndfile 1.2.2 (MP3 via LAME, bundled with soundfile 0.14) were used.
"""
import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

import numpy as np
import soundfile as sf
from music21 import chord, corpus, harmony, meter, note, stream

SR, CLIP_S = 16000, 15.0
SF2 = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
SPLITS = {'train': '0123456789ab', 'valid': 'c', 'test': 'def'}
PER_FOLDER = 20
# clips per period and split (train, valid, test); totals 240 / 20 / 60
PERIOD_CLIPS = {'baroque': (55, 4, 13), 'renaissance': (55, 4, 13),
                'classical': (48, 4, 12), 'romantic': (21, 4, 7), 'folk': (61, 4, 15)}
# target note-onset rate (onsets per minute over all voices) of each tempo class
TEMPO_RATE = {'slow': (90, 120), 'medium': (150, 190), 'fast': (240, 300)}
# GM programs (0-based) per family; each variant lists instruments top voice -> bass
FAMILIES = {
    'piano': [[0], [1]],
    'organ': [[19], [16], [20]],
    'guitar': [[24], [25]],
    'strings': [[40, 40, 41, 42], [48], [49]],
    'brass': [[56, 60, 57, 58], [61]],
    'woodwind': [[73, 68, 71, 70], [71, 71, 70]],
    'choir': [[52], [53]],
}
REGISTER_TARGET = {'low': 50, 'mid': 63, 'high': 76}   # mean sounding MIDI pitch
LOW_BELOW, HIGH_ABOVE = 56.0, 70.0
TAGS = (list(PERIOD_CLIPS) + ['major', 'minor', 'duple', 'triple', 'compound']
        + list(TEMPO_RATE) + list(FAMILIES) + ['solo', 'low', 'high'])


def candidate_scores(rng):
    """(period, corpus path, opus index or None) for every usable score."""
    paths = sorted(str(p).split('/corpus/')[1] for p in corpus.getPaths())
    corpus_root = str(corpus.getPaths()[0]).split('/corpus/')[0] + '/corpus'

    def pick(prefixes, exts, n=None):
        xs = [p for p in paths if p.startswith(prefixes) and p.endswith(exts)]
        if n is not None and n < len(xs):
            xs = sorted(rng.choice(xs, size=n, replace=False).tolist())
        return xs
    # Palestrina (Humdrum licence agreement) and Essen (non-commercial only) are left out.
    refs = [('baroque', p, None) for p in pick('bach/bwv', '.mxl', 60)
            + ['corelli/opus3no1/1grave.xml', 'handel/rinaldo/Lascia_chio_pianga.mxl']]
    refs += [('renaissance', p, None) for p in pick(('monteverdi/', 'josquin/', 'lusitano/'),
                                                     ('.mxl', '.abc'))]
    refs += [('classical', p, None) for p in pick(('beethoven/', 'mozart/', 'haydn/'), '.mxl')
             if not re.match(r'beethoven/opus\d+(no\d)?\.mxl$', p)]   # whole quartets: slow to parse
    refs += [('romantic', p, None) for p in pick(
        ('schumann_robert/', 'schumann_clara/', 'chopin/', 'schubert/', 'verdi/',
         'weber/concertino', 'beach/'), ('.mxl', '.xml', '.krn', '.musicxml'))]
    # Ryan's Mammoth: as many jigs (6/8, 9/8) as reels/hornpipes; O'Neill's adds airs in 3/4
    ryans = {'duple': [], 'compound': []}
    for p in pick('ryansMammoth/', '.abc'):
        with open(os.path.join(corpus_root, p), encoding='latin-1') as fh:
            m = re.search(r'^M:\s*(\S+)', fh.read(), re.M)
        ryans['compound' if m and m.group(1) in ('6/8', '9/8', '12/8') else 'duple'].append(p)
    refs += [('folk', p, None) for k in ('duple', 'compound')
             for p in sorted(rng.choice(ryans[k], size=35, replace=False).tolist())]
    refs += [('folk', 'oneills1850/0001-0050.abc', i) for i in range(50)]
    return refs


_opus_cache = {}


def load(path, num):
    if path not in _opus_cache:
        _opus_cache.clear()
        _opus_cache[path] = corpus.parse(path)
    s = _opus_cache[path]
    if isinstance(s, stream.Opus):   # Josquin: one "tune" per voice; O'Neill: one per tune
        s = s.mergeScores() if path.startswith('josquin/') else s.scores[num or 0]
    return s


def metre_class(ts):
    if ts is None:
        return None
    if ts.beatDivisionCount == 3 and ts.beatCount in (2, 3, 4):
        return 'compound'
    return {2: 'duple', 4: 'duple', 3: 'triple'}.get(ts.beatCount) if ts.beatDivisionCount == 2 else None


def score_features(period, path, num):
    """Notes per part as arrays (onset ql, duration ql, midi pitch) plus metadata."""
    s = load(path, num)
    ts = s.recurse().getElementsByClass(meter.TimeSignature).first()
    metre = metre_class(ts)
    if metre is None:
        return None
    parts = []
    for p in s.parts:
        rows = []
        for n in p.flatten().stripTies().notes:
            if isinstance(n, harmony.Harmony) or n.quarterLength <= 0:
                continue
            if isinstance(n, (note.Note, chord.Chord)):
                rows += [(float(n.offset), float(n.quarterLength), pp.midi) for pp in n.pitches]
        if rows:
            parts.append(np.array(sorted(rows)))
    if not parts:
        return None
    parts = parts[:8]
    onsets = np.unique(np.concatenate([a[:, 0] for a in parts]))
    measures = s.parts[0].getElementsByClass(stream.Measure)
    return dict(period=period, path=path, num=num, parts=parts, metre=metre,
                ts=ts.ratioString, length=max(float((a[:, 0] + a[:, 1]).max()) for a in parts),
                ioi=float(np.median(np.diff(onsets))) if len(onsets) > 2 else 1.0,
                mstarts=[(float(m.offset), m.number) for m in measures] or [(0.0, 1)])


def key_mode(notes):
    """music21 key analysis (default Aarden-Essen profile) of the excerpt's pitch classes."""
    w = np.zeros(12)
    np.add.at(w, notes[:, 2].astype(int) % 12, notes[:, 1])
    s = stream.Stream()
    for pc in range(12):
        if w[pc] > 0:
            s.append(note.Note(60 + pc, quarterLength=max(0.25, round(w[pc] * 4) / 4)))
    k = s.analyze('key')
    return k.mode, f'{k.tonic.name} {k.mode}'


def plan_clip(f, tempo, family, register, mix, rng, used):
    """Choose window, tempo, transposition and programs; derive the clip's tags."""
    rate = rng.uniform(*TEMPO_RATE[tempo])
    bpm = rate * f['ioi']   # quarter notes per minute that give this onset rate
    span = CLIP_S * bpm / 60.0
    starts = [(o, m) for o, m in f['mstarts'] if o + span <= f['length']]
    fresh = [x for x in starts if all(abs(x[0] - u) >= span / 2 for u in used)]
    pool = fresh or starts
    loop = not pool
    start, bar = pool[int(rng.integers(len(pool)))] if pool else f['mstarts'][0]
    parts = []
    for a in f['parts']:
        if loop:   # score shorter than the window: repeat it
            reps = int(np.ceil(span / f['length']))
            a = np.concatenate([a + [k * f['length'], 0, 0] for k in range(reps)])
        w = a[(a[:, 0] >= start) & (a[:, 0] < start + span)]
        if len(w):
            parts.append(w - [start, 0, 0])
    allw = np.concatenate(parts)
    mean = float(np.average(allw[:, 2], weights=allw[:, 1]))
    t = int(round(REGISTER_TARGET[register] + rng.integers(-2, 3) - mean))
    t = int(np.clip(t, max(-24, 28 - allw[:, 2].min()), min(24, 100 - allw[:, 2].max())))
    grid = np.arange(0, span, span / 600)
    sounding = sum(((p[:, 0][:, None] <= grid) & ((p[:, 0] + p[:, 1])[:, None] > grid)).sum(0)
                   for p in parts)
    solo = bool((sounding >= 2).mean() < 0.05)
    order = np.argsort([-np.average(p[:, 2], weights=p[:, 1]) for p in parts])
    fams = [family] * len(parts)
    if mix and len(parts) >= 2:
        fams[order[0]] = mix
    variants = {fam: FAMILIES[fam][int(rng.integers(len(FAMILIES[fam])))] for fam in sorted(set(fams))}
    programs = [0] * len(parts)
    for rank, i in enumerate(order):
        lst = variants[fams[i]]
        if len(parts) == 1:
            idx = {'high': 0, 'mid': len(lst) // 2, 'low': len(lst) - 1}[register]
        else:
            idx = int(round(rank * (len(lst) - 1) / (len(parts) - 1)))
        programs[i] = lst[idx]
    mode, keyname = key_mode(allw)
    sounding_mean = mean + t
    tags = {f['period'], mode, f['metre'], tempo, *fams, *(['solo'] if solo else [])}
    if sounding_mean < LOW_BELOW:
        tags.add('low')
    if sounding_mean > HIGH_ABOVE:
        tags.add('high')
    return dict(score=f, start=start, bar=bar, loop=loop, bpm=bpm, span=span, parts=parts,
                transpose=t, programs=programs, families=sorted(set(fams)), tempo=tempo,
                key=keyname, mean_pitch=sounding_mean, tags=tags)


def plan(features, seed):
    """Assign scores to splits per period, then rendering choices balanced per split."""
    rng = np.random.default_rng(seed)
    clips = []
    for period, counts in PERIOD_CLIPS.items():
        fs = [features[i] for i in rng.permutation(len(features)) if features[i]['period'] == period]
        total = sum(counts)
        n_val = max(1, round(len(fs) * counts[1] / total))
        n_test = max(2, round(len(fs) * counts[2] / total))
        groups = {'valid': fs[:n_val], 'test': fs[n_val:n_val + n_test], 'train': fs[n_val + n_test:]}
        for split, c in zip(('train', 'valid', 'test'), counts):
            # non-duple scores come up three times as often: most of the corpus is duple
            deck = [f for f in groups[split] for _ in range(1 if f['metre'] == 'duple' else 3)]
            deck = [deck[i] for i in rng.permutation(len(deck))]
            clips += [(split, deck[k % len(deck)]) for k in range(c)]
    out = []
    for split in SPLITS:
        mine = [f for s, f in clips if s == split]
        n = len(mine)

        def balanced(values):
            return [values[i] for i in rng.permutation(np.arange(n) % len(values))]
        tempos, fams, regs = balanced(list(TEMPO_RATE)), balanced(list(FAMILIES)), balanced(list(REGISTER_TARGET))
        used = {}
        for f, tp, fam, reg in zip(mine, tempos, fams, regs):
            others = [x for x in FAMILIES if x != fam]
            mix = others[int(rng.integers(len(others)))] if rng.random() < 0.25 else None
            u = used.setdefault(id(f), [])
            c = plan_clip(f, tp, fam, reg, mix, rng, u)
            u.append(c['start'])
            c['split'] = split
            out.append(c)
    return out


def check(clips):
    """Every tag needs at least two positives and two negatives in every split."""
    bad = []
    for split in SPLITS:
        n = sum(c['split'] == split for c in clips)
        cnt = Counter(t for c in clips if c['split'] == split for t in c['tags'])
        bad += [(split, t, cnt[t]) for t in TAGS if not 2 <= cnt[t] <= n - 2]
    return bad


def write_midi(path, clip, rng):
    """Standard MIDI file (format 1), one track and channel per part, 960 ticks/s."""
    def vlq(x):
        b = [x & 0x7F]
        while x > 127:
            x >>= 7
            b.insert(0, (x & 0x7F) | 0x80)
        return bytes(b)
    tracks = [b'\x00\xff\x51\x03\x07\xa1\x20' + b'\x00\xff\x2f\x00']  # 120 bpm, 480 ppq
    sec = 60.0 / clip['bpm']
    for ch, (p, prog) in enumerate(zip(clip['parts'], clip['programs'])):
        ch = ch + 1 if ch >= 9 else ch   # skip the GM drum channel
        ev = [(0, 0, bytes([0xC0 | ch, prog]))]
        for on, dur, pitch in p:
            t0 = on * sec
            if t0 >= CLIP_S:
                continue
            t1 = min(t0 + max(0.06, dur * sec * 0.97), CLIP_S + 0.5)
            k = int(pitch) + clip['transpose']
            vel = int(72 + rng.integers(0, 24))
            ev.append((round(t0 * 960), 2, bytes([0x90 | ch, k, vel])))
            ev.append((round(t1 * 960), 1, bytes([0x80 | ch, k, 0])))
        ev.sort(key=lambda e: (e[0], e[1]))
        data, now = b'', 0
        for tick, _, msg in ev:
            data += vlq(tick - now) + msg
            now = tick
        tracks.append(data + b'\x00\xff\x2f\x00')
    with open(path, 'wb') as fh:
        fh.write(b'MThd' + (6).to_bytes(4, 'big') + (1).to_bytes(2, 'big')
                 + len(tracks).to_bytes(2, 'big') + (480).to_bytes(2, 'big'))
        for t in tracks:
            fh.write(b'MTrk' + len(t).to_bytes(4, 'big') + t)


def render(clip, rng, tmp):
    """FluidSynth -> mono float, exactly 15 s, RMS-normalised; None when silent."""
    mid, wav = os.path.join(tmp, 'c.mid'), os.path.join(tmp, 'c.wav')
    write_midi(mid, clip, rng)
    subprocess.run(['fluidsynth', '-ni', '-q', '-g', '0.4', '-r', str(SR), '-O', 'float',
                    '-T', 'wav', '-F', wav, SF2, mid], check=True, stdout=subprocess.DEVNULL)
    x, sr = sf.read(wav, dtype='float64', always_2d=True)
    assert sr == SR
    x = x.mean(axis=1)[:int(SR * CLIP_S)]
    x = np.pad(x, (0, int(SR * CLIP_S) - len(x)))
    rms = float(np.sqrt(np.mean(x ** 2)))
    if rms < 1e-4:
        return None
    x *= 0.1 / rms                                   # -20 dBFS RMS
    x *= min(1.0, 0.9 / np.abs(x).max())             # then limit the peak to -0.9 dBFS
    fade = int(0.05 * SR)
    x[-fade:] *= np.linspace(1, 0, fade)
    return x.astype(np.float32)


def slug(c):
    f = c['score']
    s = re.sub(r'\.(mxl|xml|musicxml|krn|abc)$', '', f['path']).lower()
    s = re.sub(r'[^a-z0-9]+', '-', s).strip('-')
    return s + (f'-n{f["num"] + 1}' if f['num'] is not None else '')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default='data/music')
    ap.add_argument('--seed', type=int, default=2016)
    ap.add_argument('--plan-only', action='store_true', help='print the tag table, render nothing')
    args = ap.parse_args()
    if not shutil.which('fluidsynth') or not os.path.exists(SF2):
        sys.exit('need: apt-get install -y fluidsynth fluid-soundfont-gm')
    rng = np.random.default_rng(args.seed)
    features = []
    for period, path, num in candidate_scores(rng):
        f = score_features(period, path, num)
        if f is not None:
            features.append(f)
    print(f'{len(features)} usable scores', Counter(f['period'] for f in features))
    for attempt in range(200):
        clips = plan(features, args.seed * 1000 + attempt)
        if not check(clips):
            break
    else:
        sys.exit(f'no plan satisfies the split constraints: {check(clips)}')
    print(f'plan attempt {attempt} satisfies the split constraints')
    if args.plan_only:
        return tag_table(clips)
    mp3_root = os.path.join(args.out, 'mp3')
    shutil.rmtree(mp3_root, ignore_errors=True)
    # folders: deal each split's clips (shuffled) over its folders, 20 each
    for split, folders in SPLITS.items():
        mine = [c for c in clips if c['split'] == split]
        for i, j in enumerate(rng.permutation(len(mine))):
            mine[j]['folder'] = folders[i // PER_FOLDER]
    seen = Counter()
    for c in clips:
        stem = f"{c['folder']}/{slug(c)}-m{c['bar']}-{c['tempo']}-{'-'.join(c['families'])}"
        seen[stem] += 1
        c['name'] = stem + (f'-{seen[stem]}' if seen[stem] > 1 else '') + '.mp3'
    clips.sort(key=lambda c: c['name'])
    scores = {}
    for c in clips:
        scores.setdefault(c['score']['path'] + str(c['score']['num']), set()).add(c['split'])
    assert all(len(v) == 1 for v in scores.values()), 'a score landed in two splits'
    rrng = np.random.default_rng(args.seed + 1)
    with tempfile.TemporaryDirectory() as tmp:
        for i, c in enumerate(clips):
            x = render(c, rrng, tmp)
            if x is None:
                sys.exit(f'silent render: {c["name"]}')  # never happens with this plan
            dst = os.path.join(mp3_root, c['name'])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            sf.write(dst, x, SR, format='MP3', subtype='MPEG_LAYER_III',
                     bitrate_mode='CONSTANT', compression_level=0.84)   # 32 kbps CBR
            if i % 40 == 0:
                print(f'rendered {i}/{len(clips)}', flush=True)
    with open(os.path.join(args.out, 'annotations_final.csv'), 'w', newline='') as fh:
        q = lambda xs: '\t'.join(f'"{x}"' for x in xs) + '\n'
        fh.write(q(['clip_id'] + TAGS + ['mp3_path']))
        for i, c in enumerate(clips):
            fh.write(q([i] + [int(t in c['tags']) for t in TAGS] + [c['name']]))
    with open(os.path.join(args.out, 'clips.csv'), 'w', newline='') as fh:
        w = csv.writer(fh)
        w.writerow(['clip_id', 'mp3_path', 'score', 'opus_tune', 'start_measure', 'start_ql',
                    'end_ql', 'looped', 'time_signature', 'tempo_bpm_quarter', 'transpose',
                    'gm_programs', 'key', 'mean_pitch', 'tags'])
        for i, c in enumerate(clips):
            f = c['score']
            w.writerow([i, c['name'], f['path'], '' if f['num'] is None else f['num'] + 1,
                        c['bar'], f'{c["start"]:g}', f'{c["start"] + c["span"]:.2f}',
                        int(c['loop']), f['ts'], f'{c["bpm"]:.1f}', c['transpose'],
                        ' '.join(map(str, c['programs'])), c['key'], f'{c["mean_pitch"]:.1f}',
                        ' '.join(t for t in TAGS if t in c['tags'])])
    tag_table(clips)
    verify(mp3_root, [c['name'] for c in clips[7::40]])


def verify(root, names):
    """Decode some MP3s back: 16 kHz mono, ~15 s (+ encoder delay/padding), not silent."""
    for n in names:
        y, sr = sf.read(os.path.join(root, n), always_2d=True)
        rms = float(np.sqrt(np.mean(y ** 2)))
        print(f'check {n}: {sr} Hz, {y.shape[1]} ch, {len(y) / sr:.3f} s, rms {rms:.3f}')
        assert sr == SR and y.shape[1] == 1 and 15.0 <= len(y) / sr < 15.2 and rms > 0.03


def tag_table(clips):
    print(f'{"tag":12s} {"train":>5s} {"valid":>5s} {"test":>5s} {"all":>5s}')
    for t in TAGS:
        n = [sum(t in c['tags'] for c in clips if c['split'] == s) for s in SPLITS]
        print(f'{t:12s} {n[0]:5d} {n[1]:5d} {n[2]:5d} {sum(n):5d}  ({100 * sum(n) / len(clips):.0f}%)')


if __name__ == '__main__':
    main()
