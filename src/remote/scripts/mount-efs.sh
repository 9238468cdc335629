#!/usr/bin/env bash
# efsdoctor mount-efs.sh — mount an EFS file system at a path and (optionally) persist it in /etc/fstab.
#
# Sent by `efsdoctor mount` through SSM (AWS-RunShellScript) with an environment header in front of it.
# Inputs come ONLY from environment variables; every value is re-validated here before anything is done:
#   EFSD_FS_ID           fs-xxxxxxxx or fs-xxxxxxxxxxxxxxxxx                       (required)
#   EFSD_PATH            absolute mount point, e.g. /mnt/efs                         (required)
#   EFSD_METHOD          efs | nfs | auto (auto = efs when mount.efs exists, else nfs)
#   EFSD_TARGET          mount-target DNS name or IPv4 address (required for nfs; for efs an IP becomes mounttargetip=)
#   EFSD_REGION          e.g. eu-west-1 (validated only: EFSD_TARGET already names the region)
#   EFSD_TLS, EFSD_IAM   1 to mount with efs-utils `tls` / `iam`
#   EFSD_ACCESS_POINT    fsap-… (efs-utils `accesspoint=`)
#   EFSD_OPTIONS         extra mount options, comma separated, from an allow-list
#   EFSD_NO_FSTAB        1 = mount only, leave /etc/fstab alone
#   EFSD_ALLOW_NON_EMPTY 1 = mount over a non-empty directory (its files become hidden)
#   EFSD_FOLLOW_SYMLINKS 1 = a path that leads through a symlink is mounted at its real path (else it is refused)
#   EFSD_RESTART_DOCKER  1 = restart docker and the ECS agent afterwards (running containers are restarted!)
#   EFSD_ROOT            root prefix for every file touched (tests use a temporary directory; empty on hosts)
#   EFSD_MOUNT_BIN       the mount binary (default: mount from PATH)
#
# Exit status (also printed as the last line: `EFSD_RESULT status=… key=value … reason=free text`):
#   0 applied    — mounted and/or fstab line added
#   3 unchanged  — already mounted at the path from this file system, fstab already right: nothing done
#   4 refused    — bad input, path in use by something else, non-empty path, conflicting fstab line, not root
#   5 failed     — mount (or fstab validation) failed; fstab restored from the backup, created directories removed
#   6 failed     — the NFS client / amazon-efs-utils was missing and could not be installed
set -u
set -o pipefail

ST_APPLIED=0
ST_UNCHANGED=3
ST_REFUSED=4
ST_FAILED=5
ST_CLIENT=6

NFS_RECOMMENDED='nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport'
ALLOWED_OPTIONS=' nfsvers vers rsize wsize hard soft timeo retrans noresvport noac actimeo acregmin acregmax acdirmin acdirmax lookupcache ro rw noatime nodiratime relatime nosuid nodev noexec sync async fsc nofsc cto nocto ocsp noocsp verify az '

log() { printf 'efsdoctor: %s\n' "$*" >&2; }

# result STATUS EXIT [key=value…] -- REASON
result() {
  local status=$1 code=$2
  shift 2
  local kv=() reason=''
  while [ $# -gt 0 ]; do
    if [ "$1" = '--' ]; then shift; reason="$*"; break; fi
    kv+=("$1")
    shift
  done
  printf 'EFSD_RESULT status=%s' "$status"
  [ ${#kv[@]} -gt 0 ] && printf ' %s' "${kv[@]}"
  [ -n "$reason" ] && printf ' reason=%s' "$reason"
  printf '\n'
  exit "$code"
}

refuse() { log "refused: $*"; result refused "$ST_REFUSED" -- "$*"; }

# ---------------------------------------------------------------- validation (before anything else)
FS_ID=${EFSD_FS_ID-}
MP_PATH=${EFSD_PATH-}
METHOD=${EFSD_METHOD:-auto}
TARGET=${EFSD_TARGET-}
REGION=${EFSD_REGION-}
TLS=${EFSD_TLS:-0}
IAM=${EFSD_IAM:-0}
AP=${EFSD_ACCESS_POINT-}
EXTRA=${EFSD_OPTIONS-}
NO_FSTAB=${EFSD_NO_FSTAB:-0}
ALLOW_NON_EMPTY=${EFSD_ALLOW_NON_EMPTY:-0}
RESTART_DOCKER=${EFSD_RESTART_DOCKER:-0}
FOLLOW_SYMLINKS=${EFSD_FOLLOW_SYMLINKS:-0}
ROOT=${EFSD_ROOT-}
MOUNT_BIN=${EFSD_MOUNT_BIN:-mount}

[[ $FS_ID =~ ^fs-[0-9a-f]{8}([0-9a-f]{9})?$ ]] || refuse 'EFSD_FS_ID is not a file system id (fs-…)'
# check_path PATH: the allow-list of `efsdoctor mount --path` (src/core/host-path.ts), and no system directory.
check_path() {
  if ! [[ $1 =~ ^(/[A-Za-z0-9._-]+)+$ ]] || [ ${#1} -gt 200 ]; then
    refuse "EFSD_PATH $1 must be an absolute path of letters, digits and ._-"
  fi
  [[ /$1/ =~ /\.\.?/ ]] && refuse 'EFSD_PATH must not contain . or .. components'
  case $1 in
    /bin|/boot|/dev|/etc|/home|/lib|/lib64|/mnt|/opt|/proc|/root|/run|/sbin|/srv|/sys|/tmp|/usr|/var|/var/lib|/var/lib/docker|/var/lib/ecs)
      refuse "EFSD_PATH $1 is a system directory";;
    /proc/*|/sys/*|/dev/*|/etc/*|/boot/*|/run/*|/usr/*|/bin/*|/sbin/*|/lib/*|/lib64/*)
      refuse "EFSD_PATH $1 is under a system directory";;
  esac
}
check_path "$MP_PATH"
[[ $METHOD =~ ^(efs|nfs|auto)$ ]] || refuse 'EFSD_METHOD must be efs, nfs or auto'
IP_RE='^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$'
DNS_RE='^fs-[0-9a-f]{8}([0-9a-f]{9})?\.efs\.[a-z]{2}(-[a-z]+)+-[0-9]\.amazonaws\.com(\.cn)?$'
TARGET_KIND=none
if [ -n "$TARGET" ]; then
  if [[ $TARGET =~ $IP_RE ]]; then TARGET_KIND=ip
  elif [[ $TARGET =~ $DNS_RE ]] && [[ $TARGET == "$FS_ID".* ]]; then TARGET_KIND=dns
  else refuse 'EFSD_TARGET must be this file system'"'"'s DNS name or an IPv4 address'
  fi
fi
[ -z "$REGION" ] || [[ $REGION =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || refuse 'EFSD_REGION is not a region name'
for flag in TLS IAM NO_FSTAB ALLOW_NON_EMPTY RESTART_DOCKER FOLLOW_SYMLINKS; do
  [[ ${!flag} =~ ^[01]$ ]] || refuse "EFSD_$flag must be 0 or 1"
done
[ -z "$AP" ] || [[ $AP =~ ^fsap-[0-9a-f]{17}$ ]] || refuse 'EFSD_ACCESS_POINT is not an access point id (fsap-…)'
if [ -n "$EXTRA" ]; then
  [ ${#EXTRA} -le 300 ] || refuse 'EFSD_OPTIONS is too long'
  # NOTE: whole-string match first: `read` below stops at a newline, which must never reach fstab.
  [[ $EXTRA =~ ^[a-z]+(=[A-Za-z0-9._-]{1,32})?(,[a-z]+(=[A-Za-z0-9._-]{1,32})?)*$ ]] ||
    refuse 'EFSD_OPTIONS must be name or name=value items separated by commas'
  IFS=',' read -r -a extra_items <<< "$EXTRA"
  for item in "${extra_items[@]}"; do
    [[ $item =~ ^([a-z]+)(=[A-Za-z0-9._-]{1,32})?$ ]] || refuse "EFSD_OPTIONS item '$item' is not name or name=value"
    [[ $ALLOWED_OPTIONS == *" ${BASH_REMATCH[1]} "* ]] || refuse "mount option '${BASH_REMATCH[1]}' is not allowed"
  done
fi
[ -z "$ROOT" ] || [[ $ROOT =~ ^(/[A-Za-z0-9._-]+)+$ ]] || refuse 'EFSD_ROOT must be an absolute path of safe characters'
[[ $MOUNT_BIN == mount ]] || [[ $MOUNT_BIN =~ ^(/[A-Za-z0-9._-]+)+$ ]] || refuse 'EFSD_MOUNT_BIN must be an absolute path'

# The mount point as the kernel sees it: every symlink resolved (realpath -m: parts that do not exist yet are kept).
# mountinfo names the real path, so a path through a symlink (/var/run -> /run) is compared as the kernel wrote it,
# and a rerun finds the mount it made instead of stacking another.
command -v realpath >/dev/null 2>&1 || refuse 'realpath (coreutils) is not installed'
root_real=$(realpath -m -- "${ROOT:-/}")
mp_real=$(realpath -m -- "$ROOT$MP_PATH")
real_path=${mp_real#"${root_real%/}"}
if [ "$real_path" != "$MP_PATH" ]; then
  [ "$FOLLOW_SYMLINKS" = 1 ] || refuse "$MP_PATH leads through a symlink to $real_path: mount at $real_path, or pass --follow-symlinks"
  check_path "$real_path"
  log "$MP_PATH leads through a symlink: mounting at $real_path"
  MP_PATH=$real_path
fi

# NOTE: on a host (no EFSD_ROOT) SSM runs us as root; sbin may be missing from PATH in some AMIs.
if [ -z "$ROOT" ]; then
  PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
  [ "$(id -u)" = 0 ] || refuse 'must run as root'
fi

if [ "$METHOD" = auto ]; then
  if [ "$TLS" = 1 ] || [ "$IAM" = 1 ] || [ -n "$AP" ] || command -v mount.efs >/dev/null 2>&1; then METHOD=efs; else METHOD=nfs; fi
fi
if [ "$METHOD" = nfs ]; then
  { [ "$TLS" = 1 ] || [ "$IAM" = 1 ] || [ -n "$AP" ]; } && refuse 'tls, iam and access points need the efs method (amazon-efs-utils)'
  [ "$TARGET_KIND" != none ] || refuse 'the nfs method needs EFSD_TARGET (mount-target DNS name or IP)'
fi
{ [ "$IAM" = 1 ] || [ -n "$AP" ]; } && [ "$TLS" != 1 ] && refuse 'iam and access points need tls'

# ---------------------------------------------------------------- what to mount
if [ "$METHOD" = efs ]; then
  FSTYPE=efs
  SOURCE="$FS_ID:/"
  OPTS=''
  [ "$TLS" = 1 ] && OPTS+=',tls'
  [ "$IAM" = 1 ] && OPTS+=',iam'
  [ -n "$AP" ] && OPTS+=",accesspoint=$AP"
  [ "$TARGET_KIND" = ip ] && OPTS+=",mounttargetip=$TARGET"
else
  FSTYPE=nfs4
  SOURCE="$TARGET:/"
  OPTS=",$NFS_RECOMMENDED"
fi
[ -n "$EXTRA" ] && OPTS+=",$EXTRA"
OPTS=${OPTS#,}
FSTAB_OPTS="${OPTS:+$OPTS,}_netdev,nofail"
FSTAB_LINE="$SOURCE $MP_PATH $FSTYPE $FSTAB_OPTS 0 0"

MP="$ROOT$MP_PATH"
FSTAB="$ROOT/etc/fstab"
MOUNTINFO="$ROOT/proc/self/mountinfo"

# Prints "FSTYPE SOURCE" of the top-most mount at $1 (nothing when $1 is not a mount point).
mount_at() {
  [ -r "$MOUNTINFO" ] || return 0
  awk -v mp="$1" '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($5 == mp) found = $(i + 1) " " $(i + 2) } END { if (found != "") print found }' "$MOUNTINFO"
}

# True when "FSTYPE SOURCE" ($1 $2) is this file system.
is_this_fs() {
  local fstype=$1 source=$2 dotted
  case $fstype in nfs4|nfs|efs) ;; *) return 1;; esac
  [[ $source == "$FS_ID".efs.*:* || $source == "$FS_ID":* ]] && return 0
  [ -n "$TARGET" ] && [[ $source == "$TARGET":* ]] && return 0
  if [[ $source == 127.0.0.1:* ]]; then
    # NOTE: TLS mounts go through a local stunnel/efs-proxy; efs-utils keeps a state file named fs.mount.path.port.
    dotted=${MP#/}
    dotted=${dotted//\//.}
    compgen -G "$ROOT/var/run/efs/$FS_ID.$dotted.[0-9]*" >/dev/null && return 0
  fi
  return 1
}

# Prints the source field of every fstab line whose mount point is $MP_PATH.
fstab_sources() {
  [ -r "$FSTAB" ] || return 0
  awk -v mp="$MP_PATH" '$1 !~ /^#/ && NF >= 2 && $2 == mp { print $1 }' "$FSTAB"
}

fstab_source_is_this_fs() {
  [[ $1 == "$FS_ID":* || $1 == "$FS_ID".efs.*:* ]] && return 0
  [ -n "$TARGET" ] && [[ $1 == "$TARGET":* ]] && return 0
  return 1
}

# ---------------------------------------------------------------- current state
current=$(mount_at "$MP")
mounted=no
if [ -n "$current" ]; then
  # shellcheck disable=SC2086 # two words on purpose
  if is_this_fs $current; then mounted=yes
  else refuse "$MP_PATH is already a mount point of something else ($current)"
  fi
fi

fstab_state=skipped
if [ "$NO_FSTAB" != 1 ]; then
  fstab_state=missing
  while IFS= read -r src; do
    [ -n "$src" ] || continue
    if fstab_source_is_this_fs "$src"; then fstab_state=present
    else refuse "/etc/fstab already mounts something else at $MP_PATH ($src)"
    fi
  done < <(fstab_sources)
fi

if [ "$mounted" = yes ] && [ "$fstab_state" != missing ]; then
  log "$FS_ID is already mounted at $MP_PATH; nothing to do"
  result unchanged "$ST_UNCHANGED" method="$METHOD" mount=present fstab="$fstab_state"
fi

if [ "$mounted" = no ] && [ -d "$MP" ] && [ "$ALLOW_NON_EMPTY" != 1 ]; then
  if [ -n "$(ls -A "$MP" 2>/dev/null)" ]; then
    refuse "$MP_PATH is not empty (its files would be hidden by the mount; use --allow-non-empty)"
  fi
fi
[ -e "$MP" ] && [ ! -d "$MP" ] && refuse "$MP_PATH exists and is not a directory"

# ---------------------------------------------------------------- client install (only if missing)
install_pkg() {
  local pkg=$1
  if command -v dnf >/dev/null 2>&1; then dnf install -y "$pkg"
  elif command -v yum >/dev/null 2>&1; then yum install -y "$pkg"
  elif command -v apt-get >/dev/null 2>&1; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg"
  else log "no dnf, yum or apt-get to install $pkg"; return 1
  fi
}

installed=none
if [ "$mounted" = no ]; then
  if [ "$METHOD" = efs ]; then
    if ! command -v mount.efs >/dev/null 2>&1; then
      log 'installing amazon-efs-utils'
      if ! install_pkg amazon-efs-utils >&2 || ! command -v mount.efs >/dev/null 2>&1; then
        result failed "$ST_CLIENT" method="$METHOD" -- 'amazon-efs-utils is missing and could not be installed'
      fi
      installed=amazon-efs-utils
    fi
  elif ! command -v mount.nfs4 >/dev/null 2>&1; then
    pkg=nfs-utils
    if ! command -v dnf >/dev/null 2>&1 && ! command -v yum >/dev/null 2>&1; then pkg=nfs-common; fi
    log "installing $pkg"
    if ! install_pkg "$pkg" >&2 || ! command -v mount.nfs4 >/dev/null 2>&1; then
      result failed "$ST_CLIENT" method="$METHOD" -- "$pkg is missing and could not be installed"
    fi
    installed=$pkg
  fi
fi

# ---------------------------------------------------------------- apply (with rollback)
created_dir=''
backup=''

rollback() {
  if [ -n "$backup" ]; then
    cp -p "$backup" "$FSTAB" && rm -f "$backup" && log 'restored /etc/fstab from the backup'
  fi
  if [ -n "$created_dir" ]; then
    # Remove only the directories this run created, deepest first.
    local d=$MP
    while :; do
      rmdir "$d" 2>/dev/null || break
      [ "$d" = "$created_dir" ] && break
      d=${d%/*}
    done
  fi
}

fail() { log "failed: $*"; rollback; result failed "$ST_FAILED" method="$METHOD" -- "$*"; }

if [ ! -d "$MP" ]; then
  d=$MP
  while [ ! -e "${d%/*}" ] && [ -n "${d%/*}" ]; do d=${d%/*}; done
  created_dir=$d
  mkdir -p "$MP" || fail "could not create $MP_PATH"
fi

parse_errors() {
  command -v findmnt >/dev/null 2>&1 || { echo 0; return; }
  local out n
  out=$(findmnt --verify --tab-file "$1" 2>&1)
  n=$(printf '%s\n' "$out" | sed -n 's/^\([0-9][0-9]*\) parse error.*/\1/p' | tail -n 1)
  echo "${n:-0}"
}

fstab_result=$fstab_state
if [ "$fstab_state" = missing ]; then
  mkdir -p "$ROOT/etc"
  [ -e "$FSTAB" ] || : > "$FSTAB"
  backup="$FSTAB.efsdoctor.$(date -u +%Y%m%dT%H%M%SZ).$$.bak"
  cp -p "$FSTAB" "$backup" || { backup=''; fail 'could not back up /etc/fstab'; }
  # NOTE: make sure the file ends with a newline so our line never joins the last one.
  prefix=''
  if [ -s "$backup" ] && [ -n "$(tail -c 1 "$backup")" ]; then prefix=$'\n'; fi
  printf '%s%s\n' "$prefix" "$FSTAB_LINE" >> "$FSTAB" || fail 'could not write /etc/fstab'
  # Validate: every old line kept byte for byte, our line present exactly once, no new parse errors.
  head -c "$(wc -c < "$backup")" "$FSTAB" | cmp -s - "$backup" || fail '/etc/fstab validation failed (existing lines changed)'
  [ "$(grep -cxF -- "$FSTAB_LINE" "$FSTAB")" = 1 ] || fail '/etc/fstab validation failed (line not written once)'
  before=$(parse_errors "$backup")
  after=$(parse_errors "$FSTAB")
  [ "${after:-0}" -le "${before:-0}" ] || fail '/etc/fstab validation failed (findmnt --verify reports a parse error)'
  fstab_result=added
  log "added to /etc/fstab: $FSTAB_LINE (backup: ${backup#"$ROOT"})"
fi

mount_result=present
if [ "$mounted" = no ]; then
  mount_cmd=("$MOUNT_BIN" -t "$FSTYPE")
  [ -n "$OPTS" ] && mount_cmd+=(-o "$OPTS")
  mount_cmd+=("$SOURCE" "$MP")
  if command -v timeout >/dev/null 2>&1; then mount_cmd=(timeout 180 "${mount_cmd[@]}"); fi
  log "running: ${mount_cmd[*]}"
  "${mount_cmd[@]}" >&2 || fail "mount of $SOURCE at $MP_PATH failed (exit $?)"
  [ -n "$(mount_at "$MP")" ] || fail "mount reported success but $MP_PATH is not a mount point"
  mount_result=mounted
fi

if [ "$RESTART_DOCKER" = 1 ]; then
  if command -v systemctl >/dev/null 2>&1; then
    log 'restarting docker and the ECS agent: running containers on this host are stopped and restarted by ECS'
    if ! systemctl --no-block restart docker >&2 || ! systemctl --no-block restart ecs >&2; then
      log 'warning: restarting docker/ecs failed; restart them by hand'
    fi
  else
    log 'warning: no systemctl; docker and ecs were not restarted'
  fi
fi

kv=(method="$METHOD" mount="$mount_result" fstab="$fstab_result")
[ -n "$backup" ] && kv+=(backup="${backup#"$ROOT"}")
[ "$installed" != none ] && kv+=(installed="$installed")
[ "$RESTART_DOCKER" = 1 ] && kv+=('restarted=docker+ecs')
result applied "$ST_APPLIED" "${kv[@]}"
