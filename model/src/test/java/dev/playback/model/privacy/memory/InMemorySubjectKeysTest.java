package dev.playback.model.privacy.memory;

import dev.playback.model.privacy.SubjectKeys;
import dev.playback.model.privacy.SubjectKeysContract;

class InMemorySubjectKeysTest extends SubjectKeysContract {
    @Override
    protected SubjectKeys keys() {
        return new InMemorySubjectKeys();
    }
}
