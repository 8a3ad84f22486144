#!/bin/bash
# Builds the sandbox's root filesystem inside fresh user, mount, pid, net, ipc and uts
# namespaces, then becomes the namespace's init. Run by cmat.envs.os_interaction.sandbox
# through `unshare`; it waits for one line on stdin (the uid/gid maps are written by then).
# Arguments: BASE (an empty host directory), SIZE (tmpfs size of everything the episode writes),
# SHM_SIZE. Host directories in $CMAT_VISIBLE are shown copy-on-write (overlayfs, upper layer
# on the size-limited tmpfs); everything else of the host is absent. See docs/design/os-env.md.
set -eu
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
read -r _go
base=$1 size=$2 shm=$3
visible=${CMAT_VISIBLE:-usr etc var}
mount --make-rprivate /
mount -t tmpfs -o "size=$size,mode=755" cmat-os "$base"
root=$base/root
mkdir -m 755 "$root" "$base/upper" "$base/work"
mount --bind "$root" "$root"   # pivot_root needs the new root to be a mount point

# Host files that must not be seen or that hold host secrets: whiteouts in the upper layer.
hide() { mkdir -p "$(dirname "$1")"; mknod "$1" c 0 0; }
# Directories that exist but start empty: opaque directories in the upper layer.
empty() { mkdir -p "$1"; python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.overlay.opaque", b"y")' "$1"; }

up=$base/upper
mkdir -p "$up/etc/ssh" "$up/var"
for key in /etc/ssh/ssh_host_*key /etc/ssh/ssh_host_*key.pub; do [ -e "$key" ] && hide "$up$key"; done
for secret in shadow gshadow shadow- gshadow-; do
    if [ -f "/etc/$secret" ]; then
        sed 's/^\([^:]*\):[^:]*:/\1:*:/' "/etc/$secret" > "$up/etc/$secret"
        chmod --reference="/etc/$secret" "$up/etc/$secret"; chown --reference="/etc/$secret" "$up/etc/$secret"
    fi
done
for gone in lib/mysql lib/postgresql lib/private backups mail spool; do [ -e "/var/$gone" ] && hide "$up/var/$gone"; done
for clean in log tmp; do empty "$up/var/$clean"; done
chmod 1777 "$up/var/tmp"

for dir in $visible; do
    [ -d "/$dir" ] || continue
    mkdir -p "$up/$dir" "$base/work/$dir" "$root/$dir"
    mount -t overlay cmat-os -o "lowerdir=/$dir,upperdir=$up/$dir,workdir=$base/work/$dir,userxattr" "$root/$dir"
done
for link in bin sbin lib lib32 lib64 libx32; do
    [ -L "/$link" ] && ln -s "$(readlink "/$link")" "$root/$link"
done
mkdir -m 755 "$root/root" "$root/home" "$root/mnt" "$root/media" "$root/srv" "$root/opt" "$root/run" \
    "$root/boot" "$root/proc" "$root/sys" "$root/dev"
mkdir -m 1777 "$root/tmp"
if [ -d /etc/skel ]; then cp -a /etc/skel/. "$root/root/"; fi
chmod 700 "$root/root"

mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys" 2>/dev/null || true
mount -t tmpfs -o "size=1m,mode=755,nosuid" cmat-dev "$root/dev"
for dev in null zero full random urandom tty; do
    touch "$root/dev/$dev"; mount --bind "/dev/$dev" "$root/dev/$dev"
done
mkdir -m 1777 "$root/dev/shm"; mount -t tmpfs -o "size=$shm,mode=1777,nosuid,nodev" cmat-shm "$root/dev/shm"
mkdir "$root/dev/pts"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts" 2>/dev/null \
    && ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"; ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"; ln -s /proc/self/fd/2 "$root/dev/stderr"
echo "${CMAT_HOSTNAME:-cmat-os}" > /proc/sys/kernel/hostname

cd "$root"
mkdir .oldroot
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot
cd /
echo ready
exec >/dev/null 2>&1 </dev/null
# The namespace's init: reap orphans forever. Signals sent from inside the namespace to its
# init are ignored by the kernel unless handled, so default dispositions keep it alive.
exec python3 -c '
import os, signal, time
signal.signal(signal.SIGINT, signal.SIG_DFL)
while True:
    try:
        os.wait()
    except ChildProcessError:
        time.sleep(1)
'
